"""Polish phrases (see ``phrases.py``), folded: "ł" reads as "l", "ą" as "a". Verbs carry
their subject ("podpisał": he signed), so many won/lost phrases need no customer word."""

from mailflow.inbound.parse.understand.lexicon import build

LEXICON = build(
    "pl",
    stopwords="""i w z na do nie to jest się że jak ale już od po dla o za tak mamy jesteśmy
        klient klienta oferta ofertę dziękuję pozdrawiam dzień dobry jutro wczoraj czy bardzo
        był była został została""",
    phrases={
        "pick": """
            przypisać|przypiszcie leada|lead|zgłoszenie do nas|nam
            jak najbardziej nas interesuje
            bierymy|bierzymy
            no pewnie że|ze bierzemy|bierymy
            we take it
            we take this one
            we will take it
            count us in
            potwierdzamy|potwierdzam ~2 zainteresowanie
            zajmie|zajmą się
            podesłać|podeślij|przesłać|prześlij|wysłać|wyślij ~2 numer|kontakt|dane|telefon =0.85
            wyślijcie|prześlijcie|prześlijcie|podeślijcie|poproszę ~2 szczegóły|dane|kontakt|
                namiary =0.85
            łapiemy|bierzemy to|go|ją @solo
            ok|tak nasze|nasz|nasza @whole
            ok|tak dla nas @whole
            nasze|nasz|nasza @whole
            to nasz ~1 rejon|teren|obszar =0.85
            potwierdzamy|potwierdzam przyjęcie
            przyjmujemy|przyjmuję ~2 lead|leada|zapytanie|zlecenie
            bierzemy|biorę|bierzem
            przyjmujemy|przyjmuję|przyjęte|przyjęty|przyjął|przyjęła|przyjęli
            akceptujemy|akceptuję|zaakceptowane|zaakceptował|zaakceptowała
            tak @solo
            tak ~1 bierzemy|proszę|oczywiście|chętnie|jasne|dziękuję|dzięki
            chętnie|oczywiście|jasne @solo
            jasna sprawa
            zajmiemy|zajmę się
            wchodzimy ~1 w
            wchodzimy @solo
            zainteresowani|zainteresowany|zainteresowana =0.85
            podejmujemy|podejmiemy się
            realizujemy|zrealizujemy =0.8
            damy|dam radę|rady =0.8
            ogarniemy =0.8
            skorzystamy =0.85
            pasuje nam|mi =0.85
            chcemy|chcę ~2 to|tego|go|ten|tę|zlecenie|klienta|je
            przyjmiemy|przyjmę|weźmiemy|wezmę|wezmiemy
            bierzemy|biorę ~1 to|go|je|tego
            zajmiemy|zajmę|zajmujemy|zajmę ~1 się ~1 tym|nim|tą|tym
            wchodzę|wchodzimy ~1 w? ~1 to
            może być @solo =0.75
            przejmujemy|przejmuję|przejmiemy|przejmę
            zgłaszamy|zgłaszam się
            dajcie|podeślijcie|prześlijcie|przekażcie|wyślijcie ~1 nam|mi ~2 kontakt|namiary|numer|
                klienta|zlecenie =0.9
            się ~1 tym|nim|nią|tego zajmiemy|zajmę|podejmiemy|podejmę
        """,
        "decline": """
            tym razem pas|pasujemy|odpuszczamy
            zwracamy|zwracam|oddajemy|oddaję|zwrócić|oddać ten|tego lead|leada|kontakt|klienta
            więc|wiec|dlatego ~1 niestety? nie|odpada @end
            musimy|musieliśmy|muszę ~1 zrezygnować|odmówić|odpuścić
            dać|dajcie|przekazać|przekażcie|wysłać|przesłać|
                podesłać ~2 komuś|innej|innemu ~1 innemu|innej|firmie|instalatorowi|wykonawcy
            odpuszczamy|odpuścimy|odpuszczę|odpuszczam
            dajemy sobie spokój
            odrzuc*
            rezygnujemy|rezygnuję
            nie @solo
            nie ~1 dziękuję|dzięki
            odpuszczamy|odpuszczam|pasujemy
            pas @solo
            nie dla nas
            przekazać|przekażcie|dajcie|oddajcie ~3 inn*|komuś
            odmawiamy|odmawiam|odmówić|odmówimy|odmówię
            musimy|muszę ~2 odmówić|odpuścić|zrezygnować|odpasować
            spasujemy|spasuję|pasujemy|pasuję
            nie weźmiemy|wezmę|przyjmiemy|przyjmę|zrobimy|damy
            niech ~3 weźmie ~2 ktoś|inna|inny
            nie mogę|możemy ~3 zająć|wziąć|obsłużyć|podjąć
        """,
        "reason": """
            nie obsługujemy klientów indywidualnych|prywatnych
            tylko firmy
            tylko klientów biznesowych
            już obsługuje go|ją inny partner
            już obsługuje go|ją konkurencja
            nie nasza branża|branza|działka|dzialka|bajka @neg
            przekracza|przekraczają|przerasta ~4 możliwości|moce|zasoby
            nie sprzedajemy|montujemy|instalujemy|robimy|obsługujemy|prowadzimy|dystrybuujemy|
                oferujemy|wykonujemy
            nie jesteśmy ~2 partnerem|dystrybutorem|certyfikowanym|autoryzowanym|instalatorem|
                resellerem|sprzedawcą
            za|zbyt daleko
            daleko
            poza ~2 naszym|nasz|obszarem|terenem|rejonem|regionem|zasięgiem|strefą|obszar|teren|
                rejon
            nie nasz|nasza|nasze ~1 rejon|teren|obszar|branża|specjalizacja|działka|profil|region
            brak ~2 mocy|ludzi|czasu|pracowników|ekipy|ekip|wolnych|terminów|możliwości|miejsc
            nie mamy ~2 mocy|ludzi|czasu|pracowników|ekipy|terminów|wolnych|możliwości
            pełne obłożenie
            obłożeni|zawaleni|przeciążeni
            grafik|kalendarz ~2 pełny|zapchany|zajęty
            za dużo ~1 pracy|roboty|zleceń
            za|zbyt mały|mała|małe|duży|duże|skomplikowane
            tylko ~2 nowe|firmy|klientów|budownictwo
            nie robimy|montujemy|instalujemy|wykonujemy|zajmujemy|obsługujemy|obejmujemy|dojeżdżamy|
                jeździmy
            nie wyrabiamy|wyrobimy|nadążamy
            zawaleni|zawalony|zawalona ~2 robotą|pracą|zleceniami
            brak|nie mamy ~2 wolnych|mocy|miejsc|terminów|ludzi
            działamy|pracujemy|obsługujemy|montujemy|jeździmy|działam|pracuję ~1 tylko|wyłącznie|
                jedynie
            tylko|wyłącznie|jedynie działamy|pracujemy|obsługujemy|montujemy|jeździmy
            ponad|przeszło|prawie ~1 # km|kilometrów|godzin|godziny
            więcej niż ~1 # km|kilometrów|godzin|godziny
            dwie|trzy|cztery|pięć|# godzin|godziny ~1 jazdy|drogi
            na urlopie|zwolnieniu =0.6
        """,
        "contacted": """
            jesteśmy|jestesmy|pozostajemy w kontakcie z
            skontaktowano się|sie
            dodzwonił|dodzwoniła się|sie
            miałem|mialem|mieliśmy|mielismy ~1 call|rozmowę|rozmowe|telefon
            rozmawiał|rozmawiała|rozmawiali|rozmawiałem|rozmawiałam ~3 z ~1 klientem|klientką|
                inwestorem|
                panem|panią
            klient|klientka|inwestor|pan|pani ~1 odpisał|odpisała|odpowiedział|odpowiedziała|
                oddzwonił|oddzwoniła|zadzwonił|zadzwoniła
            złapany|złapana|złapani ~1 telefonicznie
            maila|mail|mailem|e ~3 wysłany|wysłana|wysłałem|wysłałam|wysłaliśmy
            pierwszy kontakt ~2 nawiązany|zrobiony|był
            skontaktowaliśmy|skontaktowałem|skontaktowałam|kontaktowaliśmy|kontaktowałem
            kontakt ~2 nawiązany|nawiązaliśmy|nawiązałem
            zadzwoniłem|zadzwoniłam|zadzwoniliśmy|dzwoniłem|dzwoniłam|dzwoniliśmy
            rozmawiałem|rozmawiałam|rozmawialiśmy
            rozmowa ~2 z
            napisałem|napisałam|napisaliśmy
            dodzwoniłem|dodzwoniłam|dodzwoniliśmy
            w kontakcie
            złapałem|złapałam|złapaliśmy
            udało ~3 dodzwonić|skontaktować|złapać|porozmawiać
            rozmawialiśmy|rozmawiałem|rozmawiałam|gadałem|gadałam|gadaliśmy
            wysłałem|wysłałam|wysłaliśmy ~2 maila|wiadomość|sms|smsa|email
            jesteśmy|jestem ~1 w kontakcie
            kontakt ~2 z klientem|klientką ~1 jest|był|mamy
            dodzwonić|skontaktować =0.85
        """,
        "attempt": """
            wysłałem|wysłałam|wysłaliśmy|napisałem|napisałam ~2 maila|mail|wiadomość|sms|smsa
            mail|maila|sms ~2 wysłany|wysłana|poszedł
            zostawiłem|zostawiłam|zostawiliśmy|nagrałem|nagrałam|nagraliśmy ~2 wiadomość|wiadomości|
                sms|poczcie|pocztę
            poczta|poczcie|pocztę głosowa|głosowej|głosową
            próbowałem|próbowałam|próbowaliśmy ~3 dodzwonić|zadzwonić|skontaktować|złapać
        """,
        "meeting": """
            byliśmy|bylismy|byłem|bylem ~2 na pomiarze|pomiarach|oględzinach
            byliśmy|bylismy|byłem|bylem ~2 na wizji lokalnej
            był|była|byli u nas w salonie|showroomie
            jeździe|jazdzie próbnej|probnej
            wideorozmowa|wideorozmowę|wideorozmowie|wideokonferencja|wideokonferencję
            rozmowa|rozmowę|spotkanie na teamsie|zoomie|teamsach
            spotkanie|wizyta|prezentacja|demo ~8 odbyło|odbyła się
            przyjechał|przyjechal|przyjechała|przyjechala|przyszedł|przyszedl ~3 do ~1 nas|naszego|
                naszej|salonu|sklepu|biura|firmy
            byłem|bylem|byliśmy|bylismy|byłam|bylam u
            spotkanie|spotkania|spotkaliśmy|spotkałem|spotkałam|spotkamy|spotkaniu
            wizyta|wizytę|wizyty|wizji|wizja|wizycie
            umówiliśmy|umówiłem|umówiłam|umówieni|umówiony|umówione|umówiona
            pomiar|pomiary|pomiaru
            byliśmy|byłem|byłam u ~1 klienta
            oględziny
            oglądaliśmy|obejrzeliśmy|obejrzałem|obejrzałam|oglądałem =0.85
            byliśmy|byłem|byłam|był ~2 na miejscu|obiekcie|budowie
            byliśmy|byłem|byłam|był ~2 u ~1 klienta|klientki|nich|niego|niej|inwestora
            oględzin*
            prezentacja|prezentację|demo|wideorozmowa
        """,
        "proposal": """
            oferta|wycena ~16 została|zostala wysłana|przesłana|wyslana|przeslana =0.85
            oferta|wycena ~8 poszła|poszla
            dałem|dałam|daliśmy|przekazałem|przekazałam ~2 wycenę|ofertę|kosztorys|propozycję
            wysłana|przesłana|złożona|przekazana|wysłany|przesłany ~1 oferta|wycena|propozycja|
                kosztorys
            dostał|otrzymał|dostała|otrzymała|dostali|otrzymali|ma|mają ~2 wycenę|ofertę|kosztorys|
                propozycję
            oferta|ofertę|wycena|wycenę ~14 przesłana|wysłana|przekazana|przesłaliśmy|
                wysłaliśmy =0.85
            oferta|ofertę|wycena|wycenę|kosztorys|propozycja|propozycję ~3 wysłana|wysłany|
                wysłaliśmy|poszła|przesłana|przekazana|złożona|gotowa|wysłane|u|wysłałem|wysłałam
            wysłaliśmy|wysłałem|wysłałam|przesłaliśmy|przesłałem|złożyliśmy|złożyłem|przekazaliśmy|
                przygotowaliśmy|przygotowałem ~3 oferta|ofertę|wycena|wycenę|kosztorys|propozycję
            wyceniliśmy|wyceniłem|wycenione|wyceniona
            oferta|wycena|kosztorys @solo
            przedstawiliśmy|przedstawiłem|przedstawiłam|złożyliśmy|złożyłem|przekazaliśmy|
                przesłaliśmy|
                wysłaliśmy ~5 ofert*|wycen*|kosztorys*|propozycj* =0.85
        """,
        "won": """
            potwierdził|potwierdzil|potwierdziła|potwierdzila ~2 zamówienie|zamowienie =0.9
            zamówienie ~6 potwierdzone|potwierdził|potwierdzila|potwierdziła
            klient ~2 zapłacił|zaplacil|opłacił|oplacil|wpłacił|wplacil
            faktura|fakturę|faktury ~8 opłacona|zapłacona|opłacił|zapłacił|opłaciła|zapłaciła|
                uregulowana =0.85
            zamknięte|zamknięty|zamknęliśmy na|za # ~1 k|tys|zł|pln
            powierzył|powierzyła|powierzyli|zlecił|zleciła|zlecili ~1 nam ~6 zlecenie|realizację|
                wykonanie|zamówienie|prace =0.9
            wygrana|wygrany|wygraliśmy|wygrałem|wygrane
            podpisana|podpisany|podpisane|podpisał|podpisała|podpisali|podpisaliśmy|podpisały
            otrzymaliśmy|dostaliśmy|mamy|przyszło|przyszła|wpłynęło ~2 potwierdzenie ~1 zamówienia|
                zlecenia|umowy
            potwierdzenie zamówienia|zlecenia ~3 otrzymaliśmy|dostaliśmy|otrzymane|przyszło|jest
            umowa|zamówienie|zlecenie|kontrakt ~3 podpisana|podpisane|podpisany|potwierdzone|
                potwierdzona|złożone|zdobyte|nasze|nasza|mamy
            mamy ~2 zlecenie|zamówienie|umowę|kontrakt
            zdobyliśmy|zdobyłem ~2 zlecenie|zamówienie|kontrakt
            sprzedane|sprzedany|sprzedaliśmy
            zaliczka|zadatek ~2 wpłacona|wpłacony|otrzymana|zapłacona|jest|wpłynęła
            zamówił|zamówiła|zamówili
            zlecił|zleciła
            zgodził|zgodziła|zgodzili ~3 na ~1 ofertę|wycenę|warunki|cenę
            zielone światło =0.85
            dostaliśmy|otrzymaliśmy|mamy|zdobyliśmy ~2 zlecenie|zamówienie|umowę|kontrakt|robotę
            złożył|złożyła|złożyli ~3 zamówienie|zlecenie|zamówienia
            akceptuje|zaakceptował|zaakceptowała|zaakceptowali|przyjął|przyjęła|przyjęli ~2 ofertę|
                wycenę|kosztorys
            klient|klientka|inwestor|on|ona|oni ~1 się ~1 zgodził|zgodziła|zgodzili @end
            mamy to @whole
        """,
        "lost": """
            nie mają|ma budżetu|budzetu|pieniędzy|środków @neg =0.85
            nie ma budżetu|budzetu|środków|srodkow|pieniędzy @neg =0.85
            brak środków|budżetu|funduszy|pieniędzy @neg =0.85
            rozmyślił|rozmyslil|rozmyśliła|rozmyslila|rozmyślili|rozmyslili
            nie będzie|bedzie zamówienia|zamowienia @neg
            temat|sprawa zamknięty|zamknięta =0.85
            kupił|kupiła|kupili ~3 markecie|internecie|sklepie|sam|sama =0.85
            kupił|kupiła|kupili ~3 gdzie indziej =0.85
            zdecydował|zdecydowała|zdecydowali się ~1 zostać|pozostać przy =0.85
            już nie podpisze|podpiszą @neg =0.85
            wstrzymana|wstrzymany|wstrzymane|zawieszona|zawieszony|
                zawieszone ~2 na czas nieokreślony
            wstrzymana|wstrzymany|wstrzymane|zawieszona|zawieszony|zawieszone ~2 bezterminowo
            zamykamy|zamykam|zamknęliśmy|zamknąłem|zamknęłam ~1 temat|sprawę|lead|zgłoszenie =0.85
            uznajemy|uznaję|uważamy|traktujemy ~2 za|jako ~1 stracony|straconego|straconą|stracone|
                przegrany|przegraną|zamknięty|zamknięty =0.85
            szwagier|sąsiad|kuzyn|znajomy|kolega|brat|wujek ~4 zrobił|zamontował|założył|położył|
                zainstalował
            poszło|poszła|poszedł|trafiło|trafiła ~1 do ~2 konkurencj*|konkurent*
            wybrali|wybrał|wybrała|poszli|poszedł|zdecydowali ~4 tańszą|tańszy|tańsza|inną|innego|
                inny|konkurencję|konkurencji
            przegrana|przegrany|przegraliśmy|stracone|stracony|straciliśmy|przegrane
            wybrał|wybrała|wybrali|zdecydował|zdecydowała|zdecydowali ~3 inn*|konkurencj*|tańsz*
            zrezygnował|zrezygnowała|zrezygnowali|rezygnacja
            anulował|anulowała|anulowane|odwołał|odwołała|odwołane|anulowany
            odrzucił|odrzuciła|odrzucili
            za|zbyt drogo|drogie|droga =0.8
            nic z tego @neg
            upadł
            wycofał|wycofała|wycofali
            poszedł|poszła|poszli|wybrał|wybrała|wybrali|zamówił|zamówiła|zamówili|zlecił|zleciła|
                zlecili|
            podpisał|podpisała|podpisali|kupił|kupiła|kupili|zdecydował|zdecydowała ~3 inn*|
                konkurencj*|
            tańsz*|gdzie
            nie jest już ~1 zainteresowany|zainteresowana|zainteresowani @neg
            już nie chce|chcą @neg
            odwołany|odwołana|odwołane|anulowana|anulowany|anulowane =0.85
            oferta|ofertę|wycena|wycenę ~3 odrzucona|odrzucił|odrzuciła|odrzucili|odrzucone
            nie dostaliśmy|dostałem|dostałam|zdobyliśmy|wygraliśmy|otrzymaliśmy|
                zdobyłem ~2 zlecenia|zlecenie|
                roboty|pracy|kontraktu|zamówienia|tego|go|projektu|przetargu @neg
            nie udało ~2 zdobyć|wygrać|dostać|pozyskać @neg
            nie zostaliśmy wybrani|wybrany|wybrana @neg
            nie wybrał|wybrała|wybrali ~1 nas|naszej|naszą @neg
        """,
        "rival": """
            inn* ~1 firm*|instalator*|wykonawc*|dostawc*|ekip*|ofert*|fachowc*|monter*
            konkurencj*|konkurent*
            gdzie indziej
        """,
        "void": """
            sala konferencyjna|konferencyjnej
            numer telefonu
            pozostajemy|jesteśmy w kontakcie
            maila|mail z ~2 prezentacją|prezentacja|katalogiem|broszurą
            prawie godzinę|godzine|tydzień|tydzien|miesiąc|miesiac|rok
            co do
            prawie|praktycznie podpisane|wygrane|zamknięte
            mamy z nim|nią|nimi umowę|umowa
            zobaczymy czy
            spotkanie|spotkaniu|wizyta|wizycie w banku
            spotkanie|spotkaniu z bankiem|doradcą
            lead|leada ~1 przyjęty|przyjety|zaakceptowany|wzięty|wziety ~2 #
            link|linki|linku|przycisk|przycisku ~3 akceptacji|przyjęcia|przyjąć|zaakceptować|
                odrzucenia|odrzucić|wzięcia
            prezentacj* ~3 wysłana|wysłałem|wysłałam|przesłana|przesłałem|przesłałam|mailem
            mail|maila|mailem|maile|e|email|wiadomość|wiadomości|list|pdf ~3 prezentacj*|demo
            prezentacj*|demo ~1 mailem|e|pdf|wideo|video
            przejrzałem|przejrzeliśmy|przejrzałam|obejrzałem|obejrzeliśmy|przeczytałem|
                przeanalizowałem|przeanalizowaliśmy ~2 dokumenty|dokumentację|rysunki|zdjęcia|plany|
                zapytanie|dane
            dokumenty|dokumentację|rysunki|zdjęcia|plany ~3 przejrzałem|przejrzeliśmy|obejrzałem|
                obejrzeliśmy
            jestem|jesteśmy ~1 na spotkaniu
            spotkanie|wizyta|wizytę|pomiar ~3 odwołane|odwołana|anulowane|anulowana|przełożone|
                przełożona
            odwołał|odwołała|odwołali|odwołane|anulował|przełożył|przełożyła ~3 spotkanie|wizytę|
                pomiar
            jest|są|był|była|byli|były|wydaje|wydają|wydawał|wydawała|wydawali się? bardzo|mocno|
                wyraźnie? zainteresowany|zainteresowana|zainteresowani|zainteresowane
            sprzedają|sprzedali|sprzedał|sprzedała|sprzedaje ~3 dom|mieszkanie|działkę|nieruchomość
        """,
        "purpose": """
            umówimy|umówię|ustalimy|ustalę|zaplanujemy|zaplanuję|zorganizujemy
            żeby|aby|by ~1 umówić|ustalić|zaplanować
            w sprawie
            chce|chcą|chciałby|chciałaby|chcieliby|prosi|prosił|prosiła|poprosił|poprosiła
        """,
        "customer": """
            klient|klientka|klienci|on|ona|oni|pan|pani|inwestor|właściciel|rodzina
        """,
        "negator": """
            nie udało|udaje|dało|daje mi|nam się
            nie zdążyłem|zdążyłam|zdążyliśmy|zdołałem|zdołaliśmy
            nie
            nigdy
            żaden|żadna|żadne|żadnego|żadnych
            nic
            nikt
            bez
            ani
            niemożliwe|niemożliwa
        """,
        "mask": """
            bez vat|podatku
            nie ma problemu
            bez problemu
            żaden problem
            czemu|dlaczego nie
            nie tylko
        """,
        "conditional": """
            jeśli|jeżeli|gdyby|jeśliby|gdy
            o ile
            w razie
            pod warunkiem
            chyba że
        """,
        "question": """
            czy
            kto|co|gdzie|dlaczego|ile|który|która|jaki|jaka
        """,
        "hedge": """
            może|prawdopodobnie|chyba|raczej|możliwe
            myślę|sądzę
            mam nadzieję
            wygląda na to
            prawie
            powinien|powinna|powinno
        """,
        "future": """
            wtedy
            jutro|pojutrze
            przyszłym|przyszły
            wkrótce|niedługo|później
            będzie|będziemy|będę
            wyślemy|wyślę|prześlemy|przygotujemy|zadzwonię|zadzwonimy|podpisze|podpiszą|skontaktuję|
                skontaktujemy|umówimy
            musimy|muszę
            planujemy|planuję|zamierzamy
            czekamy|czekam|oczekujemy ~2 na
            w przygotowaniu
            przygotowujemy
            chcę|chcemy|spróbuję|spróbujemy|postaram|postaramy|zamierzam
        """,
        "past": """
            wczoraj|przedwczoraj
            już
            dziś rano
            zeszłym|ubiegłym
            właśnie
        """,
        "agenda": """
            następny|następne|następnym krok|kroki|krokiem|etap
            do zrobienia
        """,
        "pending": """
            dopiero po|w|za|od|przy
            umówić|ustalić|zaplanować|zarezerwować|zorganizować|uzgodnić|wyznaczyć
            da|dadzą znać
            do umówienia|ustalenia|zaplanowania|zarezerwowania|potwierdzenia|zorganizowania|
                uzgodnienia|wyznaczenia|zrobienia
            jeszcze do
            umówi|umówią|ustali|ustalą|zaplanuje|zaplanują|zadzwoni|zadzwonią|oddzwoni|
                oddzwonią|odezwie|odezwą|wyznaczy|zarezerwuje
            później|potem|kiedyś|wkrótce
            w późniejszym terminie
            jak|kiedy|gdy ~2 będzie|będą|wróci|wrócą|zdecyduje|zdecydują|pozna|wie
            przygotowujemy|przygotowuję|opracowujemy|opracowuję|liczymy|liczę|kalkulujemy|
                szykujemy|szykuję|kończymy|kończę
            w przygotowaniu|opracowaniu|trakcie
            jest|są ~1 przygotowywana|przygotowywany|przygotowywane|opracowywana|opracowywany|
                opracowywane
            przed ~2 umówieniem|ustaleniem|wizytą|spotkaniem|oględzinami|pomiarem
        """,
        "waiting": """
            czeka|czekamy|czekają|czekam
            oczekuje|oczekujemy
        """,
        "regret": """
            niestety|przykro|szkoda|przepraszam|przepraszamy
        """,
        "closing": """
            pozdrawiam|pozdrawiamy|pozdrowienia|dziękuję|dzięki|serdecznie|miłego|do
            z poważaniem
        """,
        "affirm": """
            tak|oczywiście|jasne
        """,
        "request": """
            proszę|prosimy|prosze
            należy|trzeba
            powinien|powinna|powinni|powinniśmy|musi|musimy|musicie
            skontaktuj|skontaktujcie|zadzwoń|zadzwońcie
        """,
        "away": """
            odpowiedź automatyczna
            autoodpowiedź
            poza biurem
            jestem nieobecny|nieobecna
            w pilnych sprawach
            po moim powrocie
        """,
        "consequence": """
            więc|wiec|dlatego|zatem|toteż
            tak że|ze
        """,
        "mixup": """
            o który lead chodzi
            o którego klienta chodzi
            ten sam|ta sama klient|klientka|lead|firma|projekt ~1 co
            ten sam|ta sama co
            pomyłka|pomyłkę|pomylili|pomyliliście
            zły|złego|niewłaściwy lead|klient|klienta|kontakt
            nie nasz lead|klient
        """,
        "temporal": """
            pod warunkiem
            zanim
            jak tylko
        """,
        "weekday": """
            poniedziałek|wtorek|środę|środa|czwartek|piątek|sobotę|sobota|niedzielę|niedziela
        """,
        "someday": """
            następny|następnego|kolejny|kolejnego lead|leada|raz|projekt|zlecenie
            w przyszłości
            następnym razem
            przyszłe ~1 zlecenia|projekty|zapytania
        """,
        "yet": """
            jeszcze
        """,
        "unrelated": """
            reszta w przyszłym tygodniu
            reszta później|wkrótce
            niezależnie od leadów|leada
            w sprawie leada jeszcze nic
        """,
        "several": """
            za to ~3 wiadomość|wiadomości w sprawie
            za to ~3 nowego w sprawie
            z poprzedniego zgłoszenia|leada|maila
            drugi|drugiego|inny|innego lead|leada|klient|klienta|zgłoszenia
            dwa leady|zgłoszenia
            dwóch klientów|leadów|zgłoszeń
            napiszę osobno
        """,
        "this": """
            ten lead|klient z waszego|pana|pani maila
            w sprawie tego leada|zgłoszenia|klienta
            co do tego leada|zgłoszenia
        """,
        "aside": """
            ostatnim razem
            poprzednim razem
            co do drugiej|drugiego|innej sprawy|pytania|kwestii
            w sprawie drugiej|drugiego|innej sprawy|pytania|kwestii
            odnośnie drugiej|drugiego|innej sprawy|pytania|kwestii
        """,
        "lead": """
            ten|tego lead|leada|kontakt|kontaktu
            to zgłoszenie
        """,
        "ours": """
            nasza|moja oferta|wycena|cena|propozycja
            naszą|moją ofertę|wycenę|cenę|propozycję
            nasz|mój kosztorys
        """,
        "earlier": """
            początkowo|pierwotnie|wcześniej|zamiast|wyjściowa|wyjściowo|poprzednia|pierwsza
            zaliczka|zaliczki|zadatek|rabat|rabatu|upust|dotacja|dofinansowanie|vat
            oferta|wycena|kosztorys ~1 była|był|było|wynosiła|wynosił
        """,
        "final": """
            na|do
            łącznie|ostatecznie|razem|końcowa|końcowo
        """,
        "greeting": """
            cześć|witam|hej|droga|drogi
        """,
        "opener": """
            witam|cześć|hej|szanowny|szanowna|szanowni|ok|okej|dziękuję|dzięki|super|świetnie|
                dobrze|niestety|panie|pani
            dzień dobry
        """,
    },
)
