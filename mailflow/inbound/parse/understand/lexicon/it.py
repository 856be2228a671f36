"""Italian phrases (see ``phrases.py``). "Sì" folds to "si", which is also the reflexive
pronoun: a yes counts only standing alone at the start of the reply."""

from mailflow.inbound.parse.understand.lexicon import build

_OBJ = "il|lo|la|questo|questa|lead|cliente|lavoro|incarico|progetto|contatto|richiesta"

LEXICON = build(
    "it",
    stopwords="""il lo la gli le un una e è di del della che non per con su ci ho abbiamo
        siamo sono grazie ma anche già questo questa al alla preventivo buongiorno
        domani ieri molto bene""",
    phrases={
        "pick": f"""
            lo|la prenderei|prenderemmo volentieri
            we take it
            we take this one
            we will take it
            count us in
            confermiamo|confermo ~2 il nostro interesse
            lo|la prende lui|lei
            occuparmene|occuparcene|occuparmi|occuparci =0.85
            questo|questa lo|la segue|seguirà|gestisce|gestirà|prende|curerà =0.85
            ci penso|pensiamo io|noi
            se ne occupa|occuperà|occupera =0.85
            nostro|nostra @whole =0.85
            ok|sì|si nostro|nostra @end
            mandami|mandatemi|inviatemi|inviami|passatemi|passami|giri|girate|girami|
                giratemi ~2 numero|telefono|contatto|recapito|recapiti|dati =0.85
            prendo|prendiamo io|noi @end
            seguire|gestire|prendere ~2 richiesta|cliente|lead|lavoro|progetto|pratica|
                segnalazione =0.85
            ce lo|la prendiamo|pigliamo
            ok|okay|sì|si x|per noi @whole
            x|per noi @whole
            pigliamo|prendiamo ~1 al volo
            lo|la pigliamo @solo
            è|e ~1 zona|area nostra =0.85
            è|e nella ~1 nostra zona|area =0.85
            lo|la prendiamo|prendo|accettiamo|accetto
            prendiamo|accettiamo|prendo|accetto ~2 {_OBJ}
            accettato|accettata
            prenderlo|prenderla|prendere|accettarlo|accettarla|occuparci|occuparcene =0.85
            si @solo
            si ~1 grazie|certo|volentieri|ok|lo|la|ci|va|prendiamo
            certo @solo
            certamente|volentieri|assolutamente|ovviamente @solo
            ci pensiamo noi
            ce ne occupiamo
            me ne occupo
            ci occupiamo|occupo
            interessa =0.85
            interessati|interessato|interessata =0.85
            siamo disponibili =0.85
            d accordo @solo
            ok per noi|me
            contate su di noi
            va bene @solo =0.65
            ce lo|la prendiamo|prendo
            ci stiamo|sto =0.85
            lo|la facciamo|faccio noi|io =0.85
            ce ne facciamo|faccio carico
            confermo|confermiamo ~1 presa|prendiamo|prendo in carico
            presa in carico @solo
            prendiamo|prendo in carico ~2 {_OBJ}
            va benissimo @solo =0.8
            ok ~1 lo|la prendiamo|prendo
            affare fatto @solo
            preso|presa @solo =0.85
            dateci|datemi|mandateci|mandatemi|passateci|passatemi|girateci|giratemi|inviateci|
                inviatemi ~3 contatto|contatti|lead|cliente|nominativo|riferimenti|numero =0.9
            giratecelo|passatecelo|mandatecelo|datecelo|giratemelo|passatemelo|mandatemelo|
                datemelo =0.9
        """,
        "decline": """
            girarla|giratela|giratelo|girarlo ~2 a un altro
            su questo|questa passo
            passatelo|giratelo|datelo a un altro|collega|partner
            restituire|restituiamo|restituisco|ridare il|questo lead|contatto|cliente
            ve lo restituiamo|ridiamo
            stavolta passo|passiamo
            questa volta passo|passiamo
            conviene|meglio ~4 collega|partner|concessionario|rivenditore =0.85
            preferiamo|preferisco ~1 lasciarlo|lasciarla|lasciar|lasciare|passare|rinunciare =0.9
            detto|dice|dirà|risposto di no @end
            quindi|perciò ~1 purtroppo? no|niente @end
            non ~1 dare|daremo|diamo|possiamo ~1 seguito
            lasciamo|lasciare ~2 perdere|stare|passare
            declin*
            rifiut*
            no grazie
            no @solo
            passo|passiamo @solo
            passiamo|passo ~2 mano|questo|questa|turno
            non fa per noi
            datelo|passatelo|giratelo|assegnatelo|girate|date|passate ~3 altro|altri|qualcun|
                qualcuno
            a un altro ~1 installatore|partner|collega
            rinunciamo
            non ce la facciamo|faccio
            non possiamo ~2 prenderlo|prenderla|accettare|occuparcene|farlo|farla|seguirlo|seguirla
            lasciamo ~2 perdere|stare
            dobbiamo ~1 rinunciare|rifiutare|declinare
            non riesco|riusciamo|posso|possiamo|potrò|potremo ~3 seguirlo|seguirla|occuparmene|
                occuparcene|occuparmi|occuparci|gestirlo|gestirla|prenderlo|prenderla
        """,
        "reason": """
            ci occupiamo solo|soltanto|solamente di
            abbiamo ceduto quel|il ramo
            non ~2 roba nostra
            non lavoriamo con i privati
            lavoriamo solo con aziende
            già seguito da un collega|concorrente
            già seguito da un altro partner|installatore
            trattiamo|facciamo|vendiamo esclusivamente|solo|soltanto|unicamente
            contenzioso
            conflitto di interessi
            non rientra|rientrano ~3 zona|area|competenza|territorio
            seguiamo|copriamo|serviamo|lavoriamo solo
            non accettiamo|prendiamo ~1 nuovi|nuove|altri|altre ~1 lavori|incarichi|clienti|
                commesse|ordini
            chiudendo|chiudiamo|cessando l ~1 attività
            oltre ~3 possibilità|capacità|forze|mezzi
            supera|eccede ~4 possibilità|capacità|forze|mezzi
            non siamo ~2 rivenditori|rivenditore|certificati|autorizzati|abilitati|partner|
                distributori|installatori
            non vendiamo|installiamo|distribuiamo|montiamo|trattiamo
            troppo lontano|lontana|distante|distanti
            lontano|lontana|distante|distanti
            fuori ~2 zona|area|regione|raggio|portata|provincia
            non è ~1 nostra|nostro ~1 zona|area|settore|campo|mestiere|specialità|ambito
            non ne|lo|la|li|le? facciamo|installiamo|offriamo|trattiamo|copriamo|lavoriamo|
                tocchiamo|
                montiamo
            nessuna|senza disponibilità|capacità|personale|tempo|posto
            non abbiamo ~2 capacità|personale|tempo|disponibilità|squadre|posto|risorse
            pieni|pieno ~2 fino|lavoro
            saturi|sommersi|oberati|sovraccarichi|incasinati
            agenda ~2 piena
            troppo lavoro
            troppo piccolo|piccola|grande|complicato|complesso
            solo ~2 privati|aziende|nuove
            fino ~3 pieni|occupati|impegnati
            siamo ~1 pieni|strapieni|incasinati|sotto
            non riusciamo ~2 seguire|star|stare
            lavoriamo|operiamo|installiamo|copriamo ~1 solo|soltanto|solamente|unicamente|
                esclusivamente
            solo|soltanto|solamente lavoriamo|operiamo|facciamo|installiamo|copriamo
            più di ~1 # km|chilometri|ore
            oltre|quasi ~1 # km|chilometri|ore
            ore ~1 di ~1 macchina|strada|viaggio|auto
            in ferie|vacanza|malattia =0.6
        """,
        "contacted": """
            siamo|restiamo in contatto con
            riuscito|riuscita|riusciti a parlare|sentire
            parlato|parlare al telefono con
            contatato|contatata|contattao
            fatto|fatta una|la call|chiamata|telefonata con|al|alla
            parlato|sentito|sentita ~4 telefono|telefonicamente|cellulare
            mi|ci ha|hanno richiamato|richiamati|ricontattato|ricontattati
            primo contatto ~2 fatto|avvenuto|preso|stabilito
            contattato|contattata|contattati
            chiamato|chiamata ~2 cliente|lo|la|oggi|ieri|già|signor|signora
            ho|abbiamo chiamato
            telefonato
            sentito ~2 cliente|telefono|signor|signora
            parlato ~1 con
            scritto ~1 al|a|alla
            raggiunto|raggiunta
            in contatto
            preso contatto|contatti
            mandato|inviato ~2 mail|messaggio|whatsapp|email
            contatto ~2 avuto|stabilito|preso
            avuto ~2 telefonata|chiacchierata|conversazione
            sentiti|sentita|sentito ~2 telefono|oggi|ieri|stamattina
            lo|la|li|le ho|abbiamo sentito|sentita|sentiti|sentite
            sentito|sentita|sentiti ~4 telefono
            sentito|sentita|sentiti ~2 sig|sigg|signor|signora|cliente|lui|lei|dott|ing
        """,
        "attempt": """
            mandata|mandato|inviata|inviato|scritto|scritta ~2 mail|email|messaggio|
                whatsapp|sms
            mail|email|messaggio|whatsapp ~2 mandata|inviata|mandato|inviato
            lasciato ~2 messaggio|messaggi|segreteria|vocale
            segreteria
            provato|tentato ~3 chiamare|contattare|raggiungere|sentire
        """,
        "meeting": """
            fatto|fatta|fatte la|una prova|demo|dimostrazione
            sono venuti|venuta|venuto ~3 a vedere
            giro di prova
            sono passati|passato|passata in negozio|showroom|sede
            call|riunione su|in|via teams|zoom
            videocall
            incontro|riunione|sopralluogo|demo|presentazione ~8 si è svolto|svolta|tenuto|tenuta
            venuti|venuto|venuta ~3 showroom|negozio|sede|magazzino|esposizione
            siamo stati|stato|stata ~2 da|dal|dalla|in|presso
            fatto i rilievi
            passato|passata|passati|andato|andata|andati|stato|stati a ~1 vedere|vederlo|
                vederla|vederli
            appuntamento|appuntamenti
            incontro|incontrato|incontrati|incontriamo|incontrata
            sopralluogo|sopralluoghi
            visita|visitato|visitiamo
            riunione
            ci vediamo
            fissato|fissata ~2 appuntamento|sopralluogo|incontro|visita
            passato|passati|passata|andati|andato ~2 da|dal|dalla|dai|casa|cantiere
            sono stato|stata ~2 da|dal|dalla|dai|presso
            demo|dimostrazione|presentazione|videochiamata
        """,
        "proposal": """
            preventivo|offerta ~8 l ho|abbiamo consegnato|consegnata|portato|portata
            mandata|inviata|spedita|girata l offerta
            mandata|inviata|spedita|girata la proposta
            offerta|preventivo ~8 l abbiamo|ho mandata|mandato|inviata|inviato|spedita|spedito|
                girata|girato
            preventivo|offerta|proposta ~3 nelle|in mani|mano =0.85
            inviato|trasmesso|mandato|spedito ~8 offerta|preventivo|proposta =0.85
            trasmesso|inviato|inoltrato|inoltrata|trasmessa|inviata ~5 preventivo|offerta|
                proposta =0.85
            preventivo|offerta|proposta ~14 trasmesso|trasmessa|inviato|inviata|inoltrato|
                inoltrata =0.85
            preventivo|offerta|proposta|quotazione ~3 inviato|inviata|mandato|mandata|spedito|
                spedita|consegnato|consegnata|fatto|fatta|presentato|presentata|trasmesso|trasmessa|
                pronto|partito|partita
            inviato|mandato|spedito|fatto|presentato|consegnato|trasmesso|inviata ~3 preventivo|
                offerta|proposta|quotazione|prezzo
            preventivato|quotato
            preventivo @solo
            presentato|presentata|consegnato|consegnata|sottoposto|sottoposta|pervenire|
                avere ~5 preventivo|offerta|
                proposta =0.85
        """,
        "won": """
            cliente ~2 ha confermato =0.9
            pagato|versato l acconto|la caparra =0.9
            contratto|ordine|ordinativo ~6 è|e stato|stata firmato|firmata|sottoscritto|sottoscritta
            sottoscritto|firmato ~2 ordine|contratto|offerta|preventivo
            ordine ~2 arrivato|ricevuto|confermato
            chiuso finalmente
            cliente ~3 ha|hanno comprato|acquistato|ordinato =0.85
            arrivato|ricevuto|pervenuto|arrivata|ricevuta ~3 ordine|ordinativo|contratto|conferma
            fattura ~8 pagata|saldata|incassata|liquidata =0.85
            chiuso|chiusa|chiudiamo ~4 lavoro|contratto|affare|trattativa|ordine|commessa|vendita
            chiuso|chiusa|chiusi a|per|sui # k|mila|€|euro|eur
            chiuso|chiusa|chiusi a|per|sui €
            ci ~1 ha|hanno ~1 affidato|aggiudicato|assegnato ~6 lavori|lavoro|ordine|commessa|
                appalto|incarico =0.9
            confermato|confermata ~2 ordine|ordinativo|incarico|contratto
            vinto|vinta|vinti
            firmato|firmata|firmati
            contratto|ordine|commessa|lavoro ~3 firmato|firmata|confermato|confermata|preso|presa|
                acquisito|acquisita|chiuso|chiusa|ricevuto|ricevuta|nostro|nostra
            acquisito|acquisita|aggiudicato|aggiudicata|aggiudicati
            chiuso|chiusa ~2 vendita|contratto|trattativa|affare|accordo
            trattativa|vendita|affare ~2 chiusa|chiuso|conclusa|concluso
            venduto|venduta
            preventivo|offerta|proposta ~2 accettato|accettata|approvato|approvata|confermato|
                confermata|firmato|firmata
            acconto|anticipo|caparra ~2 ricevuto|pagato|versato|incassato|arrivato
            affare fatto
            ordinato
            via libera =0.85
            ok definitivo =0.85
            ci ha|hanno ~1 dato ~2 lavoro|incarico|ok
            conferito|affidato|assegnato|dato ~3 ordine|incarico|lavoro|commessa|appalto
            chiuso|chiusa @whole
            d accordo ~3 preventivo|offerta|proposta =0.85
            cliente|lui|lei|loro ~2 detto di? sì @end
        """,
        "lost": """
            preso|comprato ~3 da un rivenditore|concorrente|altro|online
            niente da fare =0.85
            non è|e passato|passata =0.8
            nessun budget @neg =0.85
            niente budget @neg =0.85
            hanno|ha comprato|preso|acquistato ~3 usata|usato|usati|usate|altrove|seconda
            chiudo|chiudiamo|archivio|archiviamo ~1 la? ~1 pratica|posizione =0.85
            per noi è|e ~1 chiuso|chiusa|finita|finito =0.9
            fatto fare ~4 da|dal|dall|dalla|dallo|ad =0.6
            deciso|decisa|decisi di non ~3 fare|procedere|andare|proseguire|farlo|
                cambiare @neg =0.85
            fatto|fatta ~1 montare|fare|installare|mettere|rifare ~5 dal|da|dallo|dalla|
                dai ~1 cugino|
                cognato|vicino|amico|fratello|parente|zio|nipote
            non se ne fa|farà niente|nulla @neg
            hanno|ha rinunciato
            preso|presa|passato|passata|finito|finita ~3 concorrenza|concorrente|concorrenti
            andati|andato|andata|rivolti|rivolto|passati ~4 economica|economico|economiche|altra|
                altro|concorrente|concorrenza
            perso|persa|persi|perduto|perduta
            scelto|optato|preferito|deciso|andato ~3 altro|altra|altri|concorrenza|concorrente|
                economico
            annullato|annullata|disdetto|disdetta|cancellato|cancellata
            rifiutato|rifiutata ~3 preventivo|offerta|proposta|prezzo
            rinunciato|rinuncia
            saltato|saltata|sfumato|sfumata
            troppo caro|costoso|cara =0.8
            non se ne fa niente|nulla @neg
            non procede @neg
            ripensato
            affidato|affidata|affidati|dato|data|andato|andata|rivolto|rivolta|preso|presa|firmato|
                firmata|
            ordinato ~3 altra|altro|altri|concorrenza|concorrente|altrove
            non gli|le interessa ~1 più @neg
            non è ~1 più interessato|interessata @neg
            lasciato perdere =0.85
            preventivo|offerta|proposta ~3 rifiutato|rifiutata|respinto|respinta
            non l|lo|la abbiamo|ho preso|presa|vinto|vinta|ottenuto|ottenuta|aggiudicato|
                aggiudicata @neg
            non l|lo|la abbiamo|ho portato|portata a casa @neg
            non abbiamo|ho preso|vinto|ottenuto ~2 lavoro|lavori|commessa|appalto|incarico|ordine|
                contratto @neg
            non siamo|sono stati|stata|stato scelti|scelta|scelto|selezionati|presi @neg
            non ci hanno scelto|scelti|preso|presi|selezionati @neg
        """,
        "rival": """
            altra|altro|altri|altre ~1 ditta|azienda|installatore|impresa|fornitore|preventivo|
                offerta|
            tecnico|idraulico|elettricista|società|ditte|aziende
            concorrenza|concorrente|concorrenti|altrove
        """,
        "void": """
            sala riunioni
            numero di telefono
            restiamo|rimaniamo in contatto
            mail|email con ~2 presentazione|brochure|catalogo|listino
            ci stiamo organizzando|lavorando|pensando
            quasi un|una|due ora|ore|oretta|settimana|settimane|mese|mesi|anno|anni
            quasi mezz ora
            vabbè|vabbe|vabbuò lasciamo stare
            quasi|praticamente firmato|chiuso|vinto|fatta
            vediamo se
            staremo a vedere se
            appuntamento|incontro in|con la|sua banca
            appuntamento|incontro alla banca
            lead ~1 accettato|preso|assegnato ~2 #
            prese|preso|prendere|presi le? misure|note|foto
            link|collegamento|pulsante|pulsanti|bottone|tasto ~3 accettare|prendere|scegliere|
                rifiutare|declinare
            presentazione ~3 inviata|mandata|inoltrata|spedita|trasmessa
            mail|email|e|messaggio|lettera|brochure di ~1 presentazione|introduzione|demo
            presentazione|demo|dimostrazione via|per|in ~1 mail|email|e|pdf|video
            appena ~1 arrivato|arrivata|arrivati|rientrato|rientrata|tornato|tornata
            gli|le sembra|sembrava|sembrato|pare|pareva
            guardato|visto|letto|esaminato|studiato|controllato ~2 documentazione|documenti|carte|
                planimetrie|foto|pratica|richiesta|scheda|dati
            documentazione|documenti|carte|planimetrie|foto|pratica ~3 guardato|guardata|visto|
                vista|letto|esaminato
            in riunione
            appuntamento|sopralluogo|incontro ~3 annullato|disdetto|rimandato|spostato
            annullato|disdetto|rimandato|spostato ~3 appuntamento|sopralluogo|incontro
            perso ~2 numero|contatto
            è|era|sembra|sembrava|sembrano|sembravano|pare|parevano|appare|erano|resta molto|
                davvero|abbastanza|parecchio? interessato|interessata|interessati|interessate
            sono molto|davvero|abbastanza? interessati|interessate
            mostrato|mostrata|mostrati|mostrate|dimostrato|dimostrata molto? interessato|
                interessata|interessati|interessate
            ha|hanno|aveva|mostra|mostrato molto|grande|vero? interesse
            vende|vendono|venduto|vendere ~3 casa|immobile|terreno|appartamento|capannone|capannoni|
                edificio|locale|locali|negozio|azienda|ditta|stabile|palazzo|villa
            casa|immobile|terreno|appartamento|capannone|edificio|locale|negozio|azienda|stabile|
                palazzo|villa ~3 venduto|venduta|vendono|vendere
        """,
        "purpose": """
            proporre|proporgli|proporle|chiedere|chiedergli
            interessato|interessata|interessati|interesse ~1 a|ad|per|in
            fisseremo|organizzeremo|programmeremo|concorderemo|fisserò|organizzerò
            per ~1 fissare|concordare|prendere|organizzare|programmare|trovare|definire|un|una
            riguardo|circa
            vuole|vogliono|vorrebbe|vorrebbero|desidera|desiderano|chiede|chiesto
        """,
        "customer": """
            cliente|clienti|lui|lei|loro|signor|signora|sig|proprietario|proprietaria|famiglia
        """,
        "negator": """
            non
            mai
            nessun|nessuna|nessuno
            niente|nulla
            senza
            né
            impossibile
        """,
        "mask": """
            senza iva
            nessun problema
            non c è problema
            senza problemi
            perché no
            non solo
            non esitate
        """,
        "conditional": """
            se
            qualora
            nel caso
            a patto
            purché
            semmai
            eventualmente
            a meno che
        """,
        "question": """
            può|possono|potrebbe|potete|puoi|avete|sapete ~1 lei|voi|mandare|inviare|dire|
                confermare|darmi|darci
            chi|cosa|dove|perché|quale|quanto|quanta|quanti
            che cosa
        """,
        "hedge": """
            forse|probabilmente|magari|possibilmente
            penso|credo|spero
            sembra
            quasi
            dovrebbe|dovrebbero
            in linea di massima
            salvo
        """,
        "future": """
            domani|dopodomani
            prossima|prossimo
            settimana prossima
            presto
            più tardi
            a breve
            invieremo|manderemo|chiameremo|faremo|firmerà|firmeranno|invierò|manderò|chiamerò|
                contatteremo|contatterò|incontreremo
            dobbiamo|devo|deve
            in attesa
            aspettiamo|aspetto
            previsto|prevista
            stiamo per
            da inviare|fare|firmare
        """,
        "past": """
            ieri
            già
            stamattina|stamani
            settimana scorsa
            scorso|scorsa
            poco fa
            appena inviato|fatto
        """,
        "agenda": """
            prossimo|prossimi passo|passi
            prossima|prossime fase|fasi|tappa
            da fare
        """,
        "pending": """
            va|vanno|andrà|andranno ~1 ancora? ~1 fissato|fissata|programmato|programmata|
                concordato|concordata|organizzato|organizzata|prenotato|prenotata|definito|definita
            fissare|programmare|concordare|organizzare|pianificare|prenotare|calendarizzare
            farà|faranno sapere
            da fare|definire
            ancora da
            da fissare|programmare|concordare|organizzare|pianificare|prenotare|definire|
                confermare|calendarizzare|stabilire|rifare
            prenderà|prenderanno|fisserà|fisseranno|programmerà|concorderà|organizzerà|
                richiamerà|richiameranno|chiamerà|chiameranno
            più avanti|tardi
            in seguito|sospeso|attesa
            successivamente|prossimamente
            quando sa|saprà|sapranno|conosce|conoscerà|avrà|avranno|torna|tornerà|deciderà
            stiamo|sto|sta|stanno ~1 preparando|elaborando|facendo|calcolando|ultimando|
                predisponendo|definendo|redigendo|chiudendo
            in preparazione|elaborazione|lavorazione
            in corso di
            lo|la|li|le farà|faranno|farò|faremo|effettuerà|effettueranno|seguirà|seguiranno
        """,
        "waiting": """
            aspetta|aspettiamo|aspettano|attende
            in attesa
        """,
        "regret": """
            purtroppo|spiacenti|spiacente|peccato|sfortunatamente
            mi|ci dispiace
        """,
        "closing": """
            saluti|cordiali|distinti|buona|grazie|cordialmente|un|a
            alla prossima
        """,
        "affirm": """
            si|certo|certamente|ovviamente|assolutamente
        """,
        "request": """
            bisognerebbe|servirebbe|occorrerebbe|sarebbe da
            per favore|cortesia
            contatti|contattate|chiami|chiamate|scriva|scrivete|rivolgersi
            si rivolga
            deve|dovete|dovrebbe|dovrebbero|dovremmo|dobbiamo|devono
            bisogna|occorre
        """,
        "away": """
            risposta automatica
            fuori ufficio
            sarò assente
            per urgenze
            in caso di urgenza
            al mio rientro|ritorno
        """,
        "consequence": """
            quindi|perciò|percio|dunque|allora
            per cui
            per questo
        """,
        "mixup": """
            quale lead|pratica|cliente intendi|intendete
            stesso|stessa cliente|lead|azienda|progetto che|di
            lo|la stesso|stessa che
            lead|cliente|contatto sbagliato|sbagliata
            c è un errore
            confusione
            non è|e il nostro lead|cliente
        """,
        "temporal": """
            a condizione che
            a patto che
            purché
            prima di ~1 prenderlo|prenderla|prendere|accettare|accettarlo|accettarla|confermare|
                programmare|passare|venire|organizzare|concordare|
                procedere|fare|decidere|dare|fissare|andare|partire
            appena
            una volta che
        """,
        "weekday": """
            lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica
        """,
        "someday": """
            il prossimo|successivo
            la prossima|successiva
            in futuro
            la prossima volta
            futuri|future ~1 progetti|richieste|lavori|interventi
        """,
        "yet": """
            ancora
        """,
        "unrelated": """
            per il resto vi|ti aggiorno|aggiornerò
            per il resto vi|ti faccio|farò sapere
            a parte i lead
            sul lead ancora niente|nulla
        """,
        "several": """
            vi|ti aggiorno però sull altro|altra
            invece ~3 buone notizie|novità su|per|dal|dalla
            l altro lead|cliente|progetto
            l altra pratica|richiesta|trattativa|commessa
            due pratiche|richieste|trattative|lead|clienti|commesse
            entrambe le pratiche|richieste
            per entrambe|entrambi
        """,
        "this": """
            quella|quello di questa mail|email
            riguardo a questa|questo
            riguardo questa|questo
            quella|quello per cui mi scrivete|scrivi
        """,
        "aside": """
            l ultima volta
            la volta scorsa
            per|riguardo l altra domanda|questione|cosa
            riguardo all altra domanda|questione|cosa
            quanto all altra domanda|questione|cosa
            per la tua|sua altra domanda|questione
        """,
        "lead": """
            questo lead|contatto
            il contatto
        """,
        "ours": """
            la nostra|mia offerta|proposta|quotazione
            il nostro|mio preventivo|prezzo
            avevamo|abbiamo offerto|proposto|quotato
        """,
        "earlier": """
            iniziale|inizialmente|prima|precedente|primo
            invece di
            anziché|anziche
            partiti|partivamo|partito|partendo|partenza
            di listino
            acconto|anticipo|caparra|sconto|incentivo|iva
            preventivo|offerta|proposta ~1 era|stava
        """,
        "final": """
            a
            finale|totale|complessivi|complessivo
            in totale
        """,
        "greeting": """
            ciao|salve|buongiorno|caro|cara|gentile
        """,
        "opener": """
            ciao|salve|buongiorno|buonasera|gentile|gentili|egregio|ok|okay|grazie|perfetto|bene|
                allora|ottimo|purtroppo|caro|cara
            grazie mille
        """,
    },
)
