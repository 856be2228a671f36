"""French phrases (see ``phrases.py``). Spoken French drops the "ne" and keeps "pas"
after the verb ("on le prend pas"), so a negator may follow the phrase."""

from mailflow.inbound.parse.understand.lexicon import build

_OBJ = "le|la|ce|cette|chantier|lead|dossier|client|projet|demande|affaire|contact"

LEXICON = build(
    "fr",
    signs={"$": "CAD"},  # "37 800 $ plus taxes": a French reply's dollar is Canadian
    negation_after=2,
    stopwords="""le la les un une des et est nous vous je on ce cette pour avec pas ne sur
        dans du de au aux il elle ils sont avons avez merci bonjour oui non mais très bien
        client devis qui que ça cela été fait déjà demain hier""",
    phrases={
        "pick": f"""
            reprenons|prenons volontiers ce|le lead|dossier|contact
            volontiers pour ce|le lead|dossier
            we take it
            we take this one
            we will take it
            count us in
            confirmons|confirme ~2 notre intérêt
            va|vont ~1 gérer|suivre|traiter ~1 ce|cette|le|la|les dossier|lead|client|cliente|
                demande|affaire|projet =0.85
            envoyez|envoie|transmettez|donnez|passez moi|nous ~2 coordonnées|numéro|téléphone|
                contact =0.85
            c est pour nous @end
            c est bon on le|la fait|prend
            dans notre coin|secteur|zone|périmètre =0.85
            mets|mettez|mettre nous|moi dessus
            on|nous|je prend|prends|prenons ~2 {_OBJ}
            on|nous|je le|la prend|prends|prenons
            prendre ~2 {_OBJ}
            accept*
            c est bon pour nous|moi
            ok pour nous|moi
            volontiers @solo
            avec plaisir
            oui @solo
            oui ~1 merci|volontiers|avec|on|nous|je|bien|d|certainement|parfait
            d accord @solo
            bien sûr @solo
            partant|partants =0.85
            intéress* =0.85
            on s|nous|je m en occupe|occupons|charge|chargeons
            nous nous en occupons|chargeons
            on y va =0.8
            allons y =0.8
            pourquoi pas @solo =0.8
            donn* suite =0.8
            ça marche @solo =0.8
            on|nous|je|j s|m|nous en occupe|occupons|occuper|charge|chargeons|charger
            on|nous|je prend|prends|prenons @solo
            ça|ca|cela nous|me va|convient|intéresse|dit
            c est parti =0.85
            on|nous est|sommes preneur|preneurs
            on|nous|je fonce|fonçons
            je|nous|on veux|voulons|veut bien
            avec grand plaisir
            banco @solo
            ok ~1 pour ~1 nous|moi|nous
            nous|on|je le|la|l ~1 acceptons|accepte|prenons|prends|prend|ferons|fera|ferai
            comptez sur nous|moi
            positionner|positionnons|positionne ~2 sur
            je suis|suis preneur|preneuse
            preneur|preneurs|preneuse|preneuses =0.85
            partante|partantes =0.85
            carrément @solo =0.8
            envoyez|transmettez|passez|donnez|envoie|transmets|passe|donne nous|moi ~3 coordonnées|
                contact|lead|numéro =0.9
        """,
        "decline": """
            merci de le|la réattribuer
            réattribuer|réaffecter|confier le lead|dossier|client à un autre
            donnez|passez le|la à un confrère|collègue|autre
            rendre|rendons|rends|restituer|restituons ce|le lead|contact|dossier
            vous le|la rendons|rends
            ne ~1 donnerons|donnons|pourrons pas suite @neg
            s abstenir|abstenons|abstiendrons
            zone|secteur|territoire ~1 de|d ~1 notre|un ~1 partenaire|collègue|confrère|agence =0.9
            donc ~1 malheureusement? non|pas @end
            laisser tomber|passer
            déclin*
            refusons|refuse|refuser
            non merci
            non @solo
            pas pour nous|moi
            passons|passe notre|mon tour
            on passe @solo
            pas cette fois
            laissez|donnez|proposez|transmettez|passez|confiez ~3 autre|quelqu|collègue|confrère|
                suivant
            à un autre ~1 partenaire|installateur|confrère|collègue
            nous renonçons
            ne|n prenons|prends|prend|pouvons|peux|peut|acceptons|accepte|pourrons|pourra|pourrai|
                pourrais|
                pourrions ~2 pas
            impossible pour nous|moi
            sans nous
            on laisse passer
            on|nous|je laisse|laissons ~1 tomber|passer
            pas pour cette fois
            devons|dois ~1 décliner|refuser|renoncer
            passer notre|mon tour
            impossible de ~3 occuper|charger|prendre|gérer|suivre|assurer
            pas possible de ~3 occuper|charger|prendre|gérer|suivre|assurer
        """,
        "reason": """
            ne travaillons|traitons pas avec les particuliers|privés
            uniquement|seulement avec les entreprises|professionnels|collectivités
            déjà suivi par un confrère|collègue|partenaire|concurrent
            préfère|préférons ne pas s en mêler
            litige|contentieux
            ne ~1 travaillons|faisons|intervenons|touchons plus
            dépasse|dépassent|excède ~4 capacités|capacité|moyens|possibilités
            pas ~2 revendeurs|revendeur|distributeurs|distributeur|certifiés|certifié|agréés|agréé|
                habilités|habilité|qualifiés|partenaires|partenaire|installateurs
            ne ~1 vendons|revendons|distribuons|installons|posons|faisons|proposons ~2 pas
            trop loin|éloigné|éloignés|excentré
            loin ~1 de|pour
            hors ~2 zone|secteur|région|périmètre|rayon|département
            en dehors ~3 zone|secteur|région|périmètre|rayon
            pas notre ~1 zone|secteur|métier|domaine|spécialité|région|activité|rayon
            pas du tout notre zone|secteur|métier|domaine|spécialité|activité|rayon
            pas dans notre ~1 zone|secteur|région|périmètre
            pas de capacité|disponibilité|disponibilités|personnel|monde|temps|équipe|place|créneau
            aucune disponibilité|capacité|place
            manque de ~1 personnel|temps|monde|capacité|main
            complets|complet
            débordés|débordé|surchargés|surchargé|saturés|saturé|overbookés|blindés
            carnet|planning|agenda ~3 plein|rempli|complet|chargé
            plein|pleins jusqu
            trop de travail|boulot|chantiers
            faisons|fais|fait|faisons|installons|posons pas
            trop petit|gros|grand|compliqué|petite
            uniquement|seulement ~2 neuf|particuliers|professionnels
            pas ~1 dispo|disponible|disponibles
            pas ~2 temps|moyens|capacité|créneau|équipes|bras
            sous l eau
            débordé|débordés|surbooké|surbookés|charrette
            à bloc
            hors de ~2 zone|secteur|portée
            n intervenons|intervenons|interviens ~2 pas
            ne|n faisons|fais|fait|installons|installe|posons|pose|travaillons|travaille|
                intervenons|interviens|
                intervient|touchons|couvrons|couvre que
            faisons|installons|posons|travaillons|intervenons|interviens|couvrons ~1 uniquement|
                seulement|exclusivement
            touchons|touche|traitons|traite|prenons|gérons|couvrons|couvre|installe|pose pas
            plus de ~1 # km|kilomètres|heures|heure
            au moins ~1 # km|kilomètres|heures|heure
            presque ~1 # km|kilomètres|heures|heure
            heures|h ~2 de route|trajet|voiture
            en congé|congés|vacances =0.6
        """,
        "contacted": """
            échangé|echange par mail|téléphone|telephone avec
            sommes|restons en contact avec
            jasé|jase avec
            fini|réussi par|à avoir|joindre
            pu avoir|joindre
            au bout du fil
            premier contact ~2 fait|établi|pris|effectué
            contacté|contactée|contactés
            appelé|appelée|téléphoné|rappelé
            joint|jointe|joints
            eu ~3 téléphone|ligne
            parlé ~1 avec|au|à
            échangé ~1 avec
            écrit ~1 au|à
            envoyé un mail|email|sms
            pris contact
            contact ~1 pris|établi
            en contact
            discuté|causé|échangé ~1 avec|au
            eu|joint ~3 client|cliente|monsieur|madame|propriétaire ~2 téléphone|tél|tel|fil|ligne
            mail|email|message|sms|courriel ~2 envoyé|envoyée|parti
            appel ~2 passé|effectué
            eu ~1 un|une? ~1 échange|appel|conversation|contact
        """,
        "attempt": """
            envoyé|envoyée ~2 mail|email|sms|message|courriel|whatsapp
            mail|email|sms|courriel ~2 envoyé
            laissé ~2 message|messages|mot|sms|vocal
            message ~2 laissé|répondeur|vocal
            répondeur
            essayé|tenté ~3 appeler|joindre|contacter
        """,
        "meeting": """
            passés|passé|passée|venus|venu|venue au|à showroom|magasin|expo|dépôt
            passés|passé|passée|venus|venu|venue à|au notre showroom|magasin|salle|dépôt
            visio|visioconférence
            appel|réunion teams|zoom|vidéo
            rendez vous teams|zoom|vidéo
            rendez vous ~8 a|ont eu lieu
            meeting|réunion|visite|démo|démonstration|rdv ~8 a|ont eu lieu
            rendu|rendus|rendue|rendues ~1 au|aux|à|a|dans
            rendus|rendu|rendue|rendues|déplacés|déplacé ~2 chez
            rendus|rendu|rendue|rendues|déplacés|déplacé sur place|site
            suis|sommes passé|passés|allé|allés ~1 voir
            rendez vous
            rdv
            visite|visité|visites
            rencontr*
            réunion
            sur place|site ~2 le|lundi|mardi|mercredi|jeudi|vendredi|samedi|demain|cette|la
            métré
            passe|passons|passerons|passé|passés ~2 chez
            vu le client|la cliente
            vus ~1 sur
            passé|passés|passée|allé|allés ~2 voir
            rendu|rendus ~1 visite
            déplacé|déplacés ~2 chez|sur
            vu ~2 client|cliente|monsieur|madame|propriétaire|propriétaires|place
            démo|démonstration|présentation|visio|visioconférence
        """,
        "proposal": """
            remis|remise ~8 notre|l|une offre|devis|proposition|soumission
            offre|devis|proposition ~10 entre les mains du|de
            soumission ~3 envoyée|transmise|remise|déposée|partie
            envoyé|envoyée|transmis|transmise|déposé|déposée ~3 soumission
            devis|offre|proposition ~14 transmis|transmise|adressé|adressée|envoyé|envoyée|remis|
                remise =0.85
            devis|offre|proposition|chiffrage|estimation ~3 envoyé|envoyée|transmis|transmise|parti|
                partie|remis|remise|fait|faite|établi|soumis|déposé|réalisé|est
            envoyé|transmis|remis|fait|établi|soumis|chiffré|envoyée ~3 devis|offre|proposition|
                chiffrage|estimation|prix
            chiffré
            devis @solo
            devis|offre|proposition|chiffrage ~3 chez|entre
            remis|transmis|adressé|adressée|envoyé|envoyée|soumis|parvenir ~6 devis|offre|
                proposition|chiffrage =0.85
            devis|offre|proposition ~10 parti|partie|envoyé|envoyée =0.85
        """,
        "won": """
            client|cliente ~2 a marqué son accord =0.9
            versé|verse ~1 l|un|son acompte =0.85
            facture ~8 réglée|payée|acquittée|soldée =0.85
            conclu|conclue|bouclé|bouclée à|pour # ~1 k|€|euros|eur
            nous ~1 a|ont ~1 confié|attribué|passé ~6 commande|marché|chantier|contrat|travaux =0.9
            gagné|gagnée|gagnés
            signé|signée|signés|signe|signent
            commande ~2 reçue|passée|confirmée|validée|signée
            bon de commande
            remporté|décroché|obtenu ~3 marché|chantier|contrat|affaire|commande|projet
            devis ~3 accepté|acceptée|validé|signé|signée
            notre offre|proposition ~3 acceptée|validée|signée|retenue
            affaire ~1 conclue|gagnée|faite
            vendu|vendue
            acompte ~3 reçu|versé|payé|encaissé
            marché conclu
            validé|valide ~2 devis|offre|proposition
            retenus
            commandé
            feu vert =0.85
            bon pour accord
            on|nous a|avons ~1 eu|obtenu|décroché|remporté ~2 chantier|marché|contrat|commande|
                affaire|
            projet
            affaire ~2 faite|signée
            dans la poche
            c est dans la poche
            d accord ~3 devis|offre|proposition|prix =0.85
            client|cliente|clients|il|elle|ils ~2 dit|répondu oui @end
        """,
        "lost": """
            pas de budget @neg =0.85
            trouvé|trouve ~2 moins cher
            projet|dossier ~2 abandonné|annulé|arrêté|tombé
            dossier|affaire|lead|sujet|piste clos|close|clôturé|clôturée|classé|classée|fermé =0.85
            opté|choisi pour =0.6
            fait|faite ~1 refaire|faire|installer|poser|monter ~6 par ~3 frère|cousin|voisin|ami|
                copain|
                bricoleur|oncle|neveu|beau
            partis|parti|partie|allés|allé|tournés|opté|choisi ~4 moins cher|chère|concurrent|
                concurrence|autre
            perdu|perdue|perdus
            choisi|opté|retenu|préféré|parti ~3 autre|autres|concurrent|concurrence|moins
            annulé|annulée|annulation|annule
            abandonn*
            refusé|refusée|décliné ~3 devis|offre|proposition|prix
            trop cher|chère =0.8
            renonc*
            laissé tomber
            tombé à l eau
            pas donné suite
            plus intéressé|intéressés|intéressée @neg
            choisi|opté|retenu|préféré|parti|signé|tourné|tournée|confié|pris|commandé|allé|
                passé ~3 autre|
            autres|concurrent|concurrents|concurrence|moins|ailleurs
            ne l|les intéresse plus @neg
            plus intéressé|intéressée|intéressés @neg
            pas donné|donne|donnera suite @neg
            ne donne|donnera pas suite @neg
            devis|offre|proposition ~3 refusé|refusée|rejeté|rejetée|décliné|déclinée
            ne|n l|le|la|les ~1 a|avons|ai|avions pas eu|obtenu|décroché|gagné|remporté|eue|obtenue|
                décrochée|
                gagnée|remportée @neg
            pas eu|obtenu|décroché|gagné|remporté ~2 chantier|marché|contrat|affaire|commande|
                projet|job|lead @neg
            pas été retenus|retenu|retenue|retenues|choisis|choisi|sélectionnés|sélectionné @neg
        """,
        "rival": """
            autre|autres ~1 installateur|entreprise|société|artisan|prestataire|fournisseur|devis|
                offre|
            boîte|professionnel|intervenant|chauffagiste|électricien|plombier|installateurs|
                entreprises
            concurrent|concurrents|concurrence|ailleurs
        """,
        "void": """
            l|les|lui intéresse|intéressent
            clos de notre côté
            au rendez vous
            réunion|rencontre|journée partenaires
            réunion|rencontre des partenaires
            point complet
            salle de réunion|réunions
            numéro de téléphone
            restons|reste en contact
            mail|email|courriel avec ~2 présentation|brochure|catalogue|plaquette
            presque|près d une|deux heure|heures|semaine|semaines|mois|an|ans
            quasiment|presque|pratiquement gagné|signé
            quasiment|presque|pratiquement dans la poche
            pour voir si
            on verra si
            rendez vous à|avec la|sa banque
            rdv à|avec la|sa banque
            rendez vous bancaire
            rdv bancaire
            lead|offre ~1 accepté|acceptée|pris|prise ~2 #
            montré|montrée|montrés|montrées|semble|semblait intéressé|intéressée|intéressés|
                intéressées
            lien|liens|bouton|boutons ~3 accepter|prendre|choisir|refuser|décliner
            rendez vous à prendre|fixer|caler|planifier|programmer|convenir
            rdv|visite|date|créneau à prendre|fixer|caler|planifier|programmer|convenir
            présentation ~3 envoyée|envoyé|transmise|transmis|mailée|adressée
            mail|email|e|courriel|message|lettre|courrier|plaquette|brochure de|d ~1 présentation|
                introduction|demo|démo
            présentation|démo|demo par|en ~1 mail|email|e|courriel|pdf|courrier|vidéo
            veuillez ~1 noter|trouver
            merci de noter
            prière de noter
            lui|leur semble|semblait|paraît|paraissait
            regardé|lu|étudié|examiné|consulté|parcouru ~2 dossier|documents|plans|photos|pièces|
                demande|fiche|descriptif
            dossier|documents|plans|photos|pièces ~3 regardé|regardés|étudié|examiné|consulté
            en réunion|rdv|déplacement
            en rendez vous
            rendez vous|rdv|visite ~3 annulé|annulée|reporté|reportée|décalé|décalée
            annulé|annulée|reporté|reportée|annule|reporte|décalé ~3 rendez vous|rdv|visite
            numéro|contact|coordonnées ~2 perdu|perdus
            perdu ~2 numéro|contact|coordonnées
            est|sont|semble|semblent|paraît|parait|était|étaient|reste|restent pas? très|vraiment|
                bien|plutôt|assez|super? intéressé|intéressée|intéressés|intéressées
            a|avait|ont|avaient l air pas? très|vraiment|bien|plutôt|assez? intéressé|intéressée|
                intéressés|intéressées
            vend|vendent|vendu|vendre ~3 maison|bien|terrain|appartement|restaurant|commerce|
                entreprise|
                société|local|ferme|bâtiment|magasin|boutique|propriété|fonds|hôtel|cabinet
            maison|terrain|appartement ~3 vendu|vendue|vend|vendre
        """,
        "purpose": """
            intéressé|intéressée|intéressés|intéressées|intérêt ~1 par|pour
            va|allons|vais|vont ~1 fixer|caler|organiser|planifier|programmer|convenir
            fixerons|calerons|organiserons|planifierons|programmerons|conviendrons
            pour ~1 fixer|prendre|convenir|caler|organiser|planifier|trouver|programmer|un|une
            concernant|afin
            souhaite|souhaitent|veut|veulent|voudrait|voudraient|aimerait|aimeraient|demande|demandé
        """,
        "customer": """
            client|cliente|clients|il|elle|ils|elles|monsieur|madame|m|mme|propriétaire|
                propriétaires|famille|prospect
        """,
        "negator": """
            ne
            n
            pas
            jamais
            aucun|aucune
            rien
            personne
            sans
            impossible
        """,
        "mask": """
            sans faute
            sans tva|taxes
            pas de problème|souci|soucis
            aucun problème|souci
            sans problème|souci
            pourquoi pas
            pas seulement
            pas mal
            n hésitez pas
        """,
        "conditional": """
            si
            s il|ils
            au cas
            à condition
            pourvu
            sauf si
            selon que|si|le|la|les|disponibilité|budget
            en fonction
            éventuellement
            sinon
        """,
        "question": """
            est ce
            pouvez|pourriez|pourrais|peux|avez|auriez|êtes|savez|voulez ~1 vous|tu
            qui|quoi|où|quand|comment|pourquoi|quel|quelle|quels|quelles|combien
        """,
        "hedge": """
            peut être
            probablement|normalement|apparemment|sûrement|vraisemblablement
            a priori
            je pense|crois|espère
            semble|semblerait
            devrait|devraient
            presque
            en principe
        """,
        "future": """
            vais|va|allons|vont|allez
            demain
            après demain
            prochain|prochaine
            bientôt
            plus tard
            sous peu
            prévu|prévue|prévoyons
            doit|devons|dois|devrons
            comptons|compte
            enverrons|enverrai|enverra|signera|signeront|appellerai|appellerons|rappellerai|ferons|
                ferai
            à suivre
            suit|suivra
            en attente
            attendons|attend|attends
            reste à
        """,
        "past": """
            hier
            avant hier
            déjà
            ce matin
            semaine dernière
            tout à l heure
            vient de|venons
        """,
        "agenda": """
            prochaine|prochaines étape|étapes
            à faire
        """,
        "pending": """
            fixer|programmer|caler|planifier|organiser|convenir|réserver|prendre
            reste|restent|rester à
            à planifier|programmer|fixer|prévoir|caler|organiser|convenir|confirmer|définir|
                réserver|booker|faire|refaire
            pas encore ~1 fixé|fixée|planifié|planifiée|programmé|programmée|calé|calée|pris
            prendra|prendront|fixera|fixeront|calera|caleront|planifiera|programmera|organisera|
                rappellera|rappelleront
            plus tard
            ultérieurement|ultérieure|prochainement
            en attente
            à définir|confirmer
            quand il|elle|ils|elles ~2 saura|sauront|connaîtra|connaitra|sera|seront|reviendra
            on|nous chiffre|chiffrons|prepare|preparons|etablit|etablissons|redige|redigeons|
                finalise|finalisons
            en cours de|d
            en train de
            en preparation|elaboration|redaction
        """,
        "waiting": """
            attend|attendons|attendent|attends
            en attente
        """,
        "regret": """
            malheureusement|hélas|désolé|désolée|désolés|dommage
            regret*
        """,
        "closing": """
            cordialement|salutations|merci|amicalement|bien|bonne|belle|à|bonnes
        """,
        "affirm": """
            oui|ouais
            bien sûr
        """,
        "request": """
            merci de
            veuillez|prière
            contactez|appelez|rappelez|écrivez
            il faut|faudrait|faudra
            doit|devons|devez|devrait|devrions|devriez|doivent
        """,
        "away": """
            réponse automatique
            absent|absente ~1 du bureau
            absent|absente jusqu
            en cas d urgence
            de retour le
            mon retour
        """,
        "consequence": """
            donc|alors
            du coup
            c est pourquoi
            par conséquent
        """,
        "mixup": """
            de quel lead|dossier|client parlez vous
            vous parlez de quel lead|dossier
            même client|lead|projet|société que|qu
            vous parlez ~1 sans doute|probablement
            mauvais lead|client|contact|destinataire
            erreur de lead|destinataire
            confusion
            pas notre lead|client
        """,
        "temporal": """
            dès|des qu
            une fois qu
            à condition que|qu
            pourvu que|qu
            avant de|d ~1 prendre|accepter|confirmer|faire|décider|donner|valider|fixer|aller|caler|
                programmer|planifier|passer|visiter|venir|organiser|convenir|
                nous|vous|le|la|l
            dès que
            une fois que
        """,
        "weekday": """
            lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche
        """,
        "someday": """
            le prochain|suivant
            la prochaine|suivante
            à l avenir
            la prochaine fois
            futures|futurs ~1 demandes|projets|chantiers|affaires
        """,
        "yet": """
            encore
        """,
        "unrelated": """
            en dehors des leads
            en dehors du lead
            sans rapport avec le|les lead|leads
            pour le reste je vous|te tiens au courant
            pour le reste je reviens vers vous|toi
            pour le lead rien de neuf|nouveau
        """,
        "several": """
            par contre ~3 bonne nouvelle|nouvelles pour|concernant|sur
            en revanche ~3 bonne nouvelle|nouvelles
            l autre dossier|lead|client|projet|affaire
            deux nouvelles|dossiers|leads|clients|affaires
            les deux dossiers|leads
            le dossier précédent
        """,
        "this": """
            pour|concernant celui|celle ci
            quant à celui|celle ci
            celui de ce mail|message|courriel
            celui dont vous parlez
        """,
        "aside": """
            la dernière fois
            la fois dernière
            pour|concernant votre|ton|l autre question|point|sujet
            quant à votre|ton|l autre question|point|sujet
            pour|concernant votre|ta deuxième|seconde question
        """,
        "lead": """
            ce lead|contact
        """,
        "ours": """
            notre|mon devis|offre|prix|proposition|cotation|soumission
            nous avions|avons proposé|chiffré|offert|coté
            on avait|a proposé|chiffré|offert|coté
            on était à
        """,
        "earlier": """
            initial|initiale|initialement|auparavant|avant|ancien|premier
            au lieu de
            de base|départ
            prix catalogue
            acompte|remise|rabais|subvention|aide|tva
            devis|offre|proposition ~1 était
        """,
        "final": """
            à
            final|finale|total|totale
            au total
        """,
        "greeting": """
            bonjour|salut|coucou|cher|chère
        """,
        "opener": """
            bonjour|bonsoir|salut|coucou|hello|ok|okay|merci|parfait|super|bien|alors|bon|
                malheureusement|désolé|cher|chère|madame|monsieur|top|génial
            très bien
            merci beaucoup
        """,
    },
)
